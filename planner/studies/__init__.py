"""Studies: drivers that plan several scenarios (comparison, target level, peers)."""
