from . import mirakl_initial_import
from . import mirakl_order_refuse
from . import mirakl_return_refuse
from . import mirakl_message_reply
from . import mirakl_order_cancel
from . import mirakl_order_cancel_line
