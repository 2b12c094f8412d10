"""Business rules of the CX Best Practice Awards, one module per concern."""
