"""How things are shown (logs, evaluations, sessions, the menu), shared by flows; views never import flows."""
