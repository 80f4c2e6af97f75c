"""Trusted community reporters (ketua RT/RW, kepala dusun, linmas): registered by phone
number with their area, recognised when they call or write, weighed more in the early
warning, and counted by area and by reporter."""
