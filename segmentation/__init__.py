"""Segmentation Studio core: from raw customer and order files to named, actionable segments.

Plain functions and scikit-learn-style estimators over pandas DataFrames; never imports streamlit.
"""

__version__ = "0.1.0"
