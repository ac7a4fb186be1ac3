"""Training at the machine's limit: run (context, process, figures) measures, report (sections) writes the page."""
