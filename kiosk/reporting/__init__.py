"""What the ceremony leaves behind: the report and press summary, the charts, QR codes and vCards."""
