"""The monitoring pages: one Plotly Dash app served through a Django view (:mod:`builder.monitoring.views`)."""
