"""The hand-written core of the sogenactif client: seal, request checks, transports, errors,
retries, redaction of card data, and the Office Server simulator's engine.

It knows nothing of the Office Server's data dictionary: the generated package ``sogenactif``
imports it and hands it the dictionary's facts (a :class:`~sogenactif_core._dictionary.DataDictionary`
and one :class:`~sogenactif_core._metadata.FunctionSpec` per function). Integrators use
``sogenactif``; its public names (``sogenactif.Client``, ``sogenactif.SealMismatchError`` …) are
defined here and shown under ``sogenactif``.
"""
