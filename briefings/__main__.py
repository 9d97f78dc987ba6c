"""`python -m briefings` runs the command line."""

from briefings.cli import run

if __name__ == "__main__":  # worker processes import this module again; they must not run the command
    run()
