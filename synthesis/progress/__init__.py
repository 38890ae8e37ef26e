"""The team's progress: each review × task with its status, computed from the data."""
