"""Infrastructure shared by the subgraphs: database, identity, broker, errors, app factory.

Nothing here knows about users, courses or progress; a test enforces that the
subgraph packages import each other only through this package.
"""
