"""Words, numbers, colours and units shared by the figures (matplotlib) and the live page (Plotly):
this package imports neither."""
