"""Analytics over complaint texts: routing suggestions (``suggest``, ``suggestions``)."""
