"""The `tawthiq` command. Each stage keeps its sub-commands beside its code
(`<stage>/commands.py`); this module only assembles them."""

import typer

from tawthiq.extract import commands as extract_commands
from tawthiq.ingest import commands as ingest_commands
from tawthiq.resolve import commands as resolve_commands
from tawthiq.store import commands as store_commands
from tawthiq.web import commands as web_commands

app = typer.Typer(
    name="tawthiq",
    help="Tawthiq: a verifiable record of military defection in Syria and what followed it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.command("ingest")(ingest_commands.ingest)
app.command("search")(store_commands.search)
app.command("stats")(store_commands.stats)
app.command("extract")(extract_commands.extract)
app.command("export")(extract_commands.export)
app.command("link")(resolve_commands.link)
app.command("import-list")(resolve_commands.import_list)
app.command("resolve")(resolve_commands.resolve)
app.command("serve")(web_commands.serve)
app.command("createuser")(web_commands.createuser)
app.command("protect")(web_commands.protect)
app.command("token")(web_commands.token)

if __name__ == "__main__":
    app()
