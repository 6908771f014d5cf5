"""The trainer portal under /trainer/: a door onto the club's rules, for trainers. Nothing below imports it."""
