"""Streamlit glue: session state, cached wrappers around the core, shared widgets."""
