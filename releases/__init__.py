"""Living releases (issue 20): numbered, immutable snapshots of a published project, read "as
of" any release, compared two by two, followed by an Atom feed and cited per version.
docs/releases.md describes the design."""
