"""The bottom layer every app builds on: coded errors, the club's clock, database and form helpers.

Nothing here imports an app of the project; everything else may import it.
"""
