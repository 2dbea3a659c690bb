"""Metrics exports (CSV/TSV) read into rows of counts per item, through a saved column mapping.

Users upload what their channels export: X post analytics ("tweet activity"), YouTube Studio's
"Table data.csv", a newsletter tool's campaigns report (Mailchimp-like) and Google Ads reports
(often UTF-16, tab-separated, with title lines above the header and "Total: ..." rows at the end).
This package only parses: the app matches each row's key to a stored item and stores the values.

One step a module, each with the choices that make an import predictable:

* ``table``: the uploaded bytes into a header and rows (encoding, delimiter, title lines, totals);
* ``mapping``: which column names the item and which hold which metrics, checked against a header;
* ``presets``: the mappings of known exports, and a guess from the header's names for the others;
* ``cells``: a count or a date as exports write them;
* ``rows``: the table read through the mapping, into good rows and an error per bad cell.
"""
