"""The house style guide, checked on every draft.

A manager writes term rules ("avoid X, write Y instead", words never to use, regular expressions,
the spelling of product names), a disclosure that promotional posts must carry ("#ad"), and the
topics a blog may write about. ``Linter.lint`` reports each breach as a ``Finding`` that points at
the offending text, so an editor can underline it as the author types.

* ``rules``: the rules, topics, drafts and findings, and the checks a rule must pass to be saved;
* ``folding``: texts folded for matching, with the map back to the original text's positions;
* ``terms``: several terms matched at once in folded text, as whole words;
* ``images_and_links``: what every draft is checked for, rules or none (alt text, UTM tags);
* ``linter``: the guide compiled once, and each draft linted against it.
"""
