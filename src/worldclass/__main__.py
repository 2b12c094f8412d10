from worldclass.manage import main

main()
