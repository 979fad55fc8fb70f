"""Tandem's core: what the assistant knows and decides, with no Rasa glue.

`vocabulary` names things (dimensions, poles, finding keys, slots, risk kinds), `text` reads
words and sentences, `safety` screens for danger, `analysis` turns a classifier ranking into
findings, `knowledge` loads the article, `faithful` checks that what Tandem attributes to the
article is in the section it cites, `self_check` scores the guided check, and `settings` reads
the environment. The Rasa packages (`actions`, `components`, `connectors`, `storage`)
import this package; it imports none of them.
"""
