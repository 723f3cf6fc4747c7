import JembatanShared
print("stub")
