"""Templates of the HTML review page (``nlp_toolkit.report``): the page skeleton, its style sheet and its script."""
