"""The RQ side: job functions (thin shells over the services) and the worker that runs them."""
