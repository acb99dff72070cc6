"""What the learner reads and sees, made from values: markup, questions and grades, charts."""
