"""The member portal under /member/: a door onto the club's rules, for members. Nothing below imports it."""
