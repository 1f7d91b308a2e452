"""Experiments that reproduce the notes' claims end to end: data, models, training, figures.

* :mod:`cs229nn.experiments.soccer`: parameter sharing (Ng §3.3.2): logistic
  regression on the 12 288 pixels vs a small convolutional network, on soccer
  balls in places the training set never showed.
"""
