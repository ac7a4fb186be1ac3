"""glint_predict's speed against --batch: run measures, report writes the page."""
