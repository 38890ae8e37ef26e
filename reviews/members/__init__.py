"""Who works on an umbrella review: the members page and its writes."""
