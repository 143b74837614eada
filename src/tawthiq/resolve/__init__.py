"""Resolution: Arabic-aware name keys, Splink linkage, clusters and the decisions that override them."""
