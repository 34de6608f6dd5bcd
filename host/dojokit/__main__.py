from dojokit.cli.main import entry

entry()
