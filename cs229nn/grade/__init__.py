"""Grading: every lab's weighted checks, run on student code that the grader never imports.

* :mod:`~cs229nn.grade.references` finds the labs (``solutions/lab*_*/``) and their checks;
* :mod:`~cs229nn.grade.submission` finds each lab's ``exercises.py`` in a folder or zip;
* :mod:`~cs229nn.grade.sandbox` runs :mod:`~cs229nn.grade.child` per lab: ``python -I``,
  an empty folder, resource limits, an unprivileged user when root;
* :mod:`~cs229nn.grade.protocol` is all that crosses back: plain tensors and strings;
* :mod:`~cs229nn.grade.grading` judges them with the checks' own judges;
* :mod:`~cs229nn.grade.recorder` (child) and :mod:`~cs229nn.grade.scan` (parent) gather the
  evidence that a manual backward used autograd or cs229nn;
* :mod:`~cs229nn.grade.results` writes Gradescope's ``results.json``; :mod:`~cs229nn.grade.bundle`
  the autograder zip; :mod:`~cs229nn.grade.batch` and :mod:`~cs229nn.grade.classreport` grade a class.
"""
