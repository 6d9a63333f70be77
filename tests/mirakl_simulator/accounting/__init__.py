"""The accounting domain of the simulator: the shop's transaction lines (TL02), the operator's
accounting documents (IV01, IV02) and the billing cycles that make them from the orders.

``handlers/accounting.py`` serves it over HTTP; ``facade.AccountingFacade`` (mixed into
``OperatorSimulator``) is what tests call to run a billing cycle and pay it out.
"""
