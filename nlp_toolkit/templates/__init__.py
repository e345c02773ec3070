"""Templates of the HTML review page (``nlp_toolkit.report``): the page skeleton and its style sheet."""
