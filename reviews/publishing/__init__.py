"""Publishing an umbrella review: the checklist shown first, the switch, and its record."""
