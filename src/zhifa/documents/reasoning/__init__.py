"""Pure reasoning core of the documents app (no Django): context, phrasebook, composer,
verifier, optional LLM drafter, credit-repair periods and risk points."""
