"""Included reviews, their reports and the reviews excluded at full text; the bibliographic
fields they share with primary studies; the AMSTAR 2 rating rule; the reviews table."""
