"""Conversions of public annotation files and checkpoints to the plugin's
formats, for the tools under ``tools/``; not imported with the plugin."""
