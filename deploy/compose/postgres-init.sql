-- One database per subgraph (docs/subgraphs.md), created on PostgreSQL's first start.
CREATE DATABASE users;
CREATE DATABASE courses;
CREATE DATABASE progress;
