"""The demo reasoner: synthetic arithmetic word problems and a small GPT-2-style model trained
on them on the CPU, so the embedded mode has a real model that makes real mistakes."""
