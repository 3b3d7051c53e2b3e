"""simpy processes, one module per phenomenon, over a shared state with a member axis."""
