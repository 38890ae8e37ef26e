"""The PRISMA 2020 flow diagram: the counts (model and form), the arithmetic and drawing (pure
`flow`), and its page."""
