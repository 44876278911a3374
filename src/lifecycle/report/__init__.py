"""Check results as data other tools read: JSON (:mod:`.as_json`) and SARIF 2.1.0
(:mod:`.sarif`). Text for people is printed by :mod:`lifecycle.cli.output`."""
