from needsassess.cli import app

app(prog_name="needsassess")
