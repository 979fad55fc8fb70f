"""Custom Rasa NLU graph components for Tandem.

Importing this package applies Tandem's fixes to Rasa (patches/), and this is the one
place they are applied. Why here: every process that loads the model (`rasa run`,
`rasa shell`, `rasa test`, an in-process `Agent.load`) rebuilds the model's graph from its
metadata, which imports the component classes it names, these among them, before any
message is handled. An endpoints.yml entry (the tracker store) would miss `rasa test` and
`Agent.load` without endpoints. `patches.apply()` refuses any Rasa but 3.6.21.
"""

import patches

patches.apply()
