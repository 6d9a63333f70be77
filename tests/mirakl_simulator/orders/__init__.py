"""The orders domain of the simulator: model, state machine, filters, exports, generators.

``handlers/orders.py`` serves it over HTTP; ``facade.OrdersFacade`` (mixed into
``OperatorSimulator``) is what tests call to seed and steer orders.
"""
