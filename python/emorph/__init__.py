"""emorph: 3D morphology of Li-ion battery electrodes from X-ray CT and FIB/SEM tomography.

Arrays are numpy arrays in (z, y, x) order, C-contiguous. Inputs of an accepted dtype are read in
place (no copy) and the GIL is released while emorph computes, so threads run in parallel. Outputs
are numpy arrays that own emorph's buffer (no copy). Geometry uses ``spacing=(dz, dy, dx)`` in
micrometres (a single number for isotropic voxels; default 1 um). Figures come back as dicts whose
keys carry their units (``_um``, ``_um2``, ``_per_um``, ``_percent``), the same keys as the
``results`` object of the ``emorph`` command line's JSON output.

Bad arguments raise ``TypeError`` (wrong type or dtype) or ``ValueError`` (2D array, strided view,
NaN, bad parameter; ``emorph.InputError`` is a ``ValueError`` raised by the library with a message
naming the parameter). See docs/python.md.
"""
from ._core import *  # noqa: F401,F403
from ._core import __version__  # noqa: F401
