"""File imports of the simulated operator: stock (STO01), prices (PRI01) and offers (OF01), their
asynchronous jobs (``jobs``), the files and error reports (``files``), the checks of each kind
(``stock``, ``prices``, ``offers``) and the shop catalogue they change (``catalog``)."""
