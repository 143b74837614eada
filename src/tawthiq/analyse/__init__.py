"""Analysis: trajectories, timelines, counts, conflicting figures, estimates of the undocumented."""
