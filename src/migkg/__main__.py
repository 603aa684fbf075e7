from migkg.cli import main

main()
