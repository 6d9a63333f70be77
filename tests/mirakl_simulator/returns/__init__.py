"""The returns domain of the simulator: customers' return requests on shipped order lines and
their state machine (``model``).

``handlers/returns.py`` serves it over HTTP (RT11, RT21, RT25, RT26, RT27);
``facade.ReturnsFacade`` (mixed into ``OperatorSimulator``) is what tests call to create returns
and move them as the customer or the operator would.
"""
