from . import mirakl_initial_import
from . import mirakl_order_refuse
