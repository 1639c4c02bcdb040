"""The Textual reader: app, screens, widgets. Imported only when the TUI starts."""
